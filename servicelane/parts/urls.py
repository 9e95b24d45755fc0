from django.urls import path

from servicelane.parts import views

app_name = "parts"

urlpatterns = [
    path("", views.search, name="search"),
    path("<str:number>/", views.detail, name="detail"),
]
