from django.urls import path

app_name = "workorders"
urlpatterns: list = []
