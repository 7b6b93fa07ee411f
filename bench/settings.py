"""Settings of the HTTP benchmark's server: the project's own, plus a plain Django view to
compare with (`bench.urls`). The rest comes from the environment `bench/over_http.py` sets."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
