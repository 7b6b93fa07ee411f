"""Many rows at once, for the tests that prove a query count does not grow with 10x the rows."""


def create_many(factory_class, count: int, **fields) -> list:
    """`count` rows of `factory_class`'s model in bulk INSERTs: factory-boy builds them (pass
    every related object: nothing is saved on the way), without per-row saves or
    post-generation steps. The database's own triggers still run for each row."""
    objects = factory_class.build_batch(count, **fields)
    return factory_class._meta.model.objects.bulk_create(objects, batch_size=500)
