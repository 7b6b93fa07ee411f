from django.db import models


class RateCounter(models.Model):
    """A fixed-window counter shared by every worker process when no Redis is configured.

    Throttles and one-time-code limits must hold across processes and under bursts, so they
    count in one shared, atomically updated place: Redis when `REDIS_URL` is set, else these
    rows, which are incremented with a row lock (`UPDATE ... SET count = count + 1`).
    """

    key = models.CharField(max_length=200, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}={self.count}"
