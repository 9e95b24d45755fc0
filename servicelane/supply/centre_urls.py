from django.urls import path

from servicelane.supply import centre_views

app_name = "centres"

urlpatterns = [
    path("", centre_views.centre_list, name="list"),
    path("<slug:code>/", centre_views.centre_detail, name="detail"),
    path("<slug:code>/ship/", centre_views.centre_ship, name="ship"),
    path("<slug:code>/goods-in/", centre_views.centre_goods_in, name="goods_in"),
]
