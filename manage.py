#!/usr/bin/env python
import os
import sys

#: Commands that only read the models and migrations: they sign nothing and serve nothing, so they run
#: without a production SECRET_KEY (every other command still refuses the demo key when DEBUG is off).
KEYLESS_COMMANDS = {"makemigrations", "showmigrations", "sqlmigrate"}

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if len(sys.argv) > 1 and sys.argv[1] in KEYLESS_COMMANDS:
        os.environ.setdefault("MAILLAGE_ALLOW_DEMO_KEY", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
