from django.urls import path

from servicelane.vehicles import views

app_name = "vehicles"

urlpatterns = [
    path("", views.vehicle_list, name="list"),
    path("new/", views.vehicle_create, name="create"),
    path("<str:vin>/", views.vehicle_detail, name="detail"),
    path("<str:vin>/edit/", views.vehicle_edit, name="edit"),
    path("<str:vin>/mileage/", views.vehicle_mileage, name="mileage"),
]
