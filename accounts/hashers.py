"""Password hashing: Argon2id with OWASP's parameters (SPEC §7)."""

from django.contrib.auth import hashers


class Argon2PasswordHasher(hashers.Argon2PasswordHasher):
    """Django's Argon2id hasher with the parameters OWASP's password storage cheat sheet gives
    (19 MiB, 2 passes, 1 lane): about 45 ms of CPU a check.

    Django's defaults (100 MiB, 8 lanes) cost ~0.3 s of CPU on two cores, nearly PBKDF2's
    ~0.5-0.7 s, which let four sign-ins hold every worker. The algorithm name stays `argon2`,
    so hashes made with other parameters still check and are rehashed at the next sign-in.
    """

    time_cost = 2
    memory_cost = 19 * 1024
    parallelism = 1
