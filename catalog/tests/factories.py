from decimal import Decimal

import factory

from catalog.models import Bank, Category, Product


class BankFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bank

    name = factory.Sequence(lambda n: f"Bank {n}")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    bank = factory.SubFactory(BankFactory)
    category = factory.SubFactory(CategoryFactory)
    external_id = factory.Sequence(lambda n: f"product-{n}")
    name = factory.Sequence(lambda n: f"Product {n}")
    description = "A product"
    percent_user = Decimal("1.50")
    percent_bank = Decimal("3.00")
