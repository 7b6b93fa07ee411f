from django.urls import path

from catalog import views

app_name = "catalog"

urlpatterns = [
    path("banks/", views.BankListView.as_view(), name="bank-list"),
    path("categories/", views.CategoryListView.as_view(), name="category-list"),
    path("product/", views.ProductListView.as_view(), name="product-list"),
    path("product/<int:pk>/", views.ProductDetailView.as_view(), name="product-detail"),
    path("bank/catalog/", views.BankCatalogImportView.as_view(), name="bank-catalog-import"),
]
