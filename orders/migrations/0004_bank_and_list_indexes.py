"""Each application keeps the bank it was sent to (its product's bank), so the bank's list is
one index range instead of a join and a sort of every application of its products; indexes
that match each list's filter and order, and the duplicate rule's look-ups.

Existing applications get their product's bank; the field is then required.
"""

import django.db.models.deletion
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0001_initial'),
        ('orders', '0003_application_labels'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='order',
            name='orders_partner_created',
        ),
        migrations.RemoveIndex(
            model_name='order',
            name='orders_product_submitted',
        ),
        migrations.AddField(
            model_name='order',
            name='bank',
            field=models.ForeignKey(help_text="The bank the application was sent to: its product's bank when it was made", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='orders', to='catalog.bank'),
        ),
        migrations.RunSQL(
            "UPDATE orders_order SET bank_id = "
            "(SELECT bank_id FROM catalog_product WHERE catalog_product.id = orders_order.product_id)",
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name='order',
            name='bank',
            field=models.ForeignKey(help_text="The bank the application was sent to: its product's bank when it was made", on_delete=django.db.models.deletion.PROTECT, related_name='orders', to='catalog.bank'),
        ),
        migrations.AddIndex(
            model_name='order',
            index=models.Index(fields=['partner', '-created_at', '-id'], name='orders_partner_created'),
        ),
        migrations.AddIndex(
            model_name='order',
            index=models.Index(condition=models.Q(('status', 'draft'), _negated=True), fields=['bank', 'submitted_at', 'id'], name='orders_bank_submitted'),
        ),
        migrations.AddIndex(
            model_name='order',
            index=models.Index(condition=models.Q(('status', 'approved')), fields=['partner', '-decided_at', '-id'], name='orders_partner_approved'),
        ),
        migrations.AddIndex(
            model_name='order',
            index=models.Index(condition=models.Q(('status', 'draft'), _negated=True), fields=['product', 'phone', 'submitted_at'], name='orders_duplicate_phone'),
        ),
        migrations.AddIndex(
            model_name='order',
            index=models.Index(models.F('product'), django.db.models.functions.text.Lower('email_client'), models.F('submitted_at'), condition=models.Q(('status', 'draft'), _negated=True), name='orders_duplicate_email'),
        ),
    ]
