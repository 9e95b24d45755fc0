from django.urls import path

app_name = "bay"
urlpatterns: list = []
