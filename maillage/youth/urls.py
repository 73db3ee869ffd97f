app_name = "youth"

urlpatterns: list = []
