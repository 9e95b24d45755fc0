from django.urls import path

app_name = "customer"
urlpatterns: list = []
