import factory
from django.contrib.auth import get_user_model

PASSWORD = "Correct-Horse-Battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"partner{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    first_name = "Anna"
    last_name = "Ivanova"
    password = factory.django.Password(PASSWORD)
