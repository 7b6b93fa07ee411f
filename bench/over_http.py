"""The HTTP benchmark: the project served by gunicorn on PostgreSQL + Redis, measured with wrk.

`make bench-http` (or `.venv/bin/python bench/over_http.py --rows 1000 100000`):

1. creates a throwaway PostgreSQL database, migrates it and loads a bank with 50 products, a
   partner and `--rows` applications (and three clicks per application) of that partner;
2. starts gunicorn (`--workers` sync workers, DEBUG off, Redis as cache and throttle store,
   throttles lifted) with `bench.settings`, which adds a plain Django view, `/bench/plain/`;
3. runs wrk (`-t2 -c{--connections}`) against each hot endpoint, each run preceded by one
   against the plain view, and prints req/s, the ratio to the plain view, p50 and p99;
4. for each size in `--rows`, the single-connection p50 of the lists whose cost grows with the
   rows, and the growth from the first size to the last.

Ratios to plain Django in the same run are the figures to compare: the absolute numbers move
with the machine and whatever else runs on it. The database is dropped at the end. Needs
`wrk` (Debian: `apt-get install wrk`), PostgreSQL and Redis (settings: `DB_*`, `REDIS_URL`).
"""

import argparse
import base64
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
PLAIN_LABEL = "/bench/plain/ (the control)"
PYTHON = sys.executable
LUA = Path(__file__).resolve().parent / "lua"


def environment(args) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PYTHONPATH": str(ROOT),
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DB_ENGINE": "postgresql",
        "DB_NAME": args.database,
        "DB_HOST": os.environ.get("DB_HOST", "127.0.0.1"),
        "DB_PORT": os.environ.get("DB_PORT", "5432"),
        "DB_USER": os.environ.get("DB_USER", "postgres"),
        "DB_PASSWORD": os.environ.get("DB_PASSWORD", ""),
        "REDIS_URL": os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0",
        "RATELIMIT_KEY_PREFIX": f"bench-{os.getpid()}",
        "CACHE_KEY_PREFIX": f"bench-{os.getpid()}",
        "JWT_ACCESS_MINUTES": "600",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "LOG_LEVEL": "WARNING",
        "PYTHONWARNINGS": "ignore:No directory at",
    }
    for scope in ("AUTH", "PUBLIC_ORDER", "LOOKUP", "LANDING", "PARTNER_WRITE", "BANK_AUTH"):
        env[f"THROTTLE_{scope}"] = "100000000/min"
    if args.broker:
        # As production runs: the web workers publish each task to the broker and run none. The
        # queue is this run's own and nobody reads it (the workers' cost is `make bench-events`'s
        # figure, not the web tier's); it is deleted at the end.
        env["CELERY_BROKER_URL"] = args.broker
        env["CELERY_QUEUE"] = f"bench-http-{os.getpid()}"
    else:
        env["TASKS_MODE"] = "thread"  # the tasks run in the web workers' own threads
    return env


def drop_queue(env) -> None:
    """The run's unread queue, when it had one on a Redis broker (RabbitMQ's is left to expire
    with the broker's policies: `rabbitmqctl delete_queue bench-http-<pid>`)."""
    broker = env.get("CELERY_BROKER_URL", "")
    if broker.startswith("redis"):
        import redis

        store, queue = redis.Redis.from_url(broker), env["CELERY_QUEUE"]
        store.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


def manage(env, *command: str) -> str:
    done = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *command],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(command)} failed:\n{done.stderr}")
    return done.stdout


def psql(env, sql: str, *, database: str = "postgres", quiet: bool = False) -> None:
    connection = ["-h", env["DB_HOST"], "-p", env["DB_PORT"], "-U", env["DB_USER"]]
    subprocess.run(
        ["psql", *connection, "-d", database, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
        check=True,
        env={
            **env,
            "PGPASSWORD": env["DB_PASSWORD"],
            "PGOPTIONS": "-c client_min_messages=warning",
        },
    )


def load_rows(env, *, partner: int, bank: int, products: list[int], start: int, stop: int) -> None:
    """Applications `start..stop-1` of the partner (all states) and three clicks each, by SQL:
    a hundred thousand rows in seconds, with the columns the constraints require.

    The statistics triggers are off for the load (one transaction; the server is stopped
    meanwhile) and, in the same transaction, the statistics are rebuilt from all the rows with
    the migrations' backfills (`bench.over_http_statistics`)."""
    first, count = products[0], len(products)
    rebuild = subprocess.run(
        [PYTHON, "-m", "bench.over_http_statistics"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if rebuild.returncode != 0:
        raise SystemExit(f"the statistics' SQL failed:\n{rebuild.stderr}")
    statistics = ";\n".join(json.loads(rebuild.stdout.strip().splitlines()[-1]))
    sql = f"""
        ALTER TABLE orders_order DISABLE TRIGGER orders_order_day,
            DISABLE TRIGGER orders_order_total, DISABLE TRIGGER orders_order_bank_total;
        ALTER TABLE orders_referralclick DISABLE TRIGGER orders_click_day,
            DISABLE TRIGGER orders_click_total;
        INSERT INTO orders_order (partner_id, product_id, bank_id, status, channel, income,
            email_client, phone, percent_user, reward, created_at, submitted_at, decided_at,
            updated_at)
        SELECT {partner}, {first} + (n % {count}), {bank},
            CASE WHEN n % 10 < 6 THEN 'new' WHEN n % 10 = 6 THEN 'viewed'
                 WHEN n % 10 < 9 THEN 'approved' ELSE 'rejected' END,
            CASE WHEN n % 4 = 0 THEN 'partner' ELSE 'link' END,
            50000, 'load' || n || '@example.com', '+7990' || lpad(n::text, 7, '0'), 1.5,
            CASE WHEN n % 10 IN (7, 8) THEN 750 END,
            now() - make_interval(mins => ({stop} - n)),
            now() - make_interval(mins => ({stop} - n)),
            CASE WHEN n % 10 >= 7 THEN now() - make_interval(mins => ({stop} - n)) END,
            now()
        FROM generate_series({start}, {stop - 1}) AS n;
        INSERT INTO orders_referralclick (partner_id, product_id, created_at)
        SELECT {partner}, {first} + (n % {count}),
            now() - make_interval(mins => ({stop * 3} - n) / 3)
        FROM generate_series({start * 3}, {stop * 3 - 1}) AS n;
        SET CONSTRAINTS ALL IMMEDIATE;
        {statistics};
        ALTER TABLE orders_order ENABLE TRIGGER orders_order_day,
            ENABLE TRIGGER orders_order_total, ENABLE TRIGGER orders_order_bank_total;
        ALTER TABLE orders_referralclick ENABLE TRIGGER orders_click_day,
            ENABLE TRIGGER orders_click_total;
    """
    psql(env, sql, database=env["DB_NAME"])
    # What autovacuum does after such a load (outside a transaction, so a call of its own): the
    # statistics, and the visibility map that lets an index-only scan skip the table.
    tables = (
        "orders_order, orders_referralclick, orders_partnerproductday, orders_partnerproducttotal, "
        "orders_bankproducttotal"
    )
    psql(env, f"VACUUM ANALYZE {tables}", database=env["DB_NAME"])


class Server:
    """gunicorn in its own process group, stopped with everything it started."""

    def __init__(self, env, *, port: int, workers: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        command = [str(Path(PYTHON).parent / "gunicorn"), "config.wsgi", "--workers", str(workers)]
        command += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--no-control-socket"]
        # Not the project's gunicorn.conf.py (read from the working directory by default): its
        # access log would measure the logging, and fill this script's output.
        command += ["--config", "/dev/null"]
        self.process = subprocess.Popen(
            command,
            env=env,
            cwd=ROOT,
            start_new_session=True,
        )
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{self.base}/bench/plain/", timeout=1)
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit("gunicorn did not answer within 20 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


@dataclass
class Run:
    rps: float
    p50: float
    p99: float
    errors: int


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def wrk(url, *, seconds, connections, headers=(), script=None, script_args=()) -> Run | None:
    """One wrk run; None when it finished no request (a warm-up of a slow endpoint)."""
    command = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s"]
    command += ["--latency", "--timeout", "10s"]
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", str(LUA / script)]
    command.append(url)
    if script_args:
        command += ["--", *map(str, script_args)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    latency = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)\s*$", out, re.M))
    if int(re.search(r"(\d+) requests in", out).group(1)) == 0:
        return None
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    if socket_errors:
        print(f"    ({url}: socket errors {socket_errors.group(1)})")
    if errors and int(errors.group(1)):
        print(f"    ({url}: {errors.group(1)} answers were not 2xx)")
    return Run(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        p50=_ms(latency["50"]),
        p99=_ms(latency["99"]),
        errors=int(errors.group(1)) if errors else 0,
    )


def throughput(server, env, seed, args, rows: int, run: int) -> None:
    """`run`: the size's number. Each run of the application POST gets phones of its own (the
    duplicate rule would refuse an earlier run's as 409s), and each run of the decision PUT
    starts with the applications it viewed back at `new` (else most of a later run's PUTs
    would repeat a decision, which changes nothing and costs less)."""
    partner, bank = (
        f"Authorization: Bearer {seed['access']}",
        f"Authorization: Bank {seed['bank_token']}",
    )
    products = seed["products"]
    first_order = seed["first_order"]
    endpoints = [
        ("floor: DRF view, no auth", "/bench/floor/drf/", [], None, ()),
        ("floor: DRF view, JWT", "/bench/floor/jwt/", [partner], None, ()),
        ("floor: DRF view, JWT, one query", "/bench/floor/jwt-query/", [partner], None, ()),
        ("floor: ..., the query as SQL", "/bench/floor/jwt-raw-query/", [partner], None, ()),
        ("GET /api/product/ (50 items, JWT)", "/api/product/", [partner], None, ()),
        ("GET /api/product/{id}/", f"/api/product/{products[0]}/", [partner], None, ()),
        (
            "GET referral link (counts a click)",
            f"/api/order/ref/bench/{products[0]}/",
            [],
            None,
            (),
        ),
        (
            "POST referral link (apply)",
            "/",
            [],
            "apply.lua",
            ("bench", products[0], len(products), "{run}"),
        ),
        (
            "PUT bank decision (view)",
            "/",
            [],
            "decide.lua",
            (seed["bank_token"], first_order, rows),
        ),
        ("GET /api/orders/", "/api/orders/", [partner], None, ()),
        ("GET /api/stats/", "/api/stats/", [partner], None, ()),
        ("GET /api/bank/orders/", "/api/bank/orders/", [bank], None, ()),
        ("GET /api/profile/", "/api/profile/", [partner], None, ()),
    ]
    print(
        f"\n{rows:,} applications; wrk -t2 -c{args.connections} -d{args.seconds}s, "
        f"{args.repeat} runs each in turn with the plain view (medians); tasks "
        + ("published to the broker" if args.broker else "in the web workers' threads")
    )
    print(
        f"{'endpoint':<38} {'req/s':>8} {'plain':>8} {'ratio':>6} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'non-2xx':>8}"
    )
    for label, path, headers, script, script_args in endpoints:
        plains, runs = [], []
        for attempt in range(args.repeat):  # plain and endpoint in turn: a drift hits both
            plains.append(
                wrk(
                    f"{server.base}/bench/plain/",
                    seconds=args.seconds,
                    connections=args.connections,
                )
            )
            if script == "decide.lua":
                psql(
                    env,
                    "UPDATE orders_order SET status = 'new', updated_at = now() "
                    "WHERE status = 'viewed'",
                    database=env["DB_NAME"],
                )
            number = run * args.repeat + attempt  # two digits of the phones (`apply.lua`)
            runs.append(
                wrk(
                    server.base + path,
                    seconds=args.seconds,
                    connections=args.connections,
                    headers=headers,
                    script=script,
                    script_args=[str(a).replace("{run}", str(number)) for a in script_args],
                )
            )
        if None in runs or None in plains:
            print(f"{label:<38} no request finished in {args.seconds} s")
            continue
        rps, plain = median(r.rps for r in runs), median(p.rps for p in plains)
        print(
            f"{label:<38} {rps:>8.0f} {plain:>8.0f} {rps / plain:>6.3f} "
            f"{median(r.p50 for r in runs):>8.1f} {median(r.p99 for r in runs):>8.1f} "
            f"{sum(r.errors for r in runs):>8}"
        )


def psql_value(env, sql: str) -> str:
    connection = ["-h", env["DB_HOST"], "-p", env["DB_PORT"], "-U", env["DB_USER"]]
    done = subprocess.run(
        ["psql", *connection, "-d", env["DB_NAME"], "-At", "-c", sql],
        check=True,
        capture_output=True,
        text=True,
        env={**env, "PGPASSWORD": env["DB_PASSWORD"]},
    )
    return done.stdout.strip()


def growth_paths(env, seed) -> list[tuple[str, str, str]]:
    """(label, path, who) of the lists whose cost could grow with the rows, at their far end:
    the partner's oldest page through a cursor (DRF's cursor: base64 of `p=<position>`), and
    the bank polling `?since=` its last 50 submissions."""
    oldest = psql_value(
        env,
        f"SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00:00' "
        f"FROM orders_order WHERE partner_id = {seed['partner']} "
        "ORDER BY created_at, id OFFSET 50 LIMIT 1",
    )
    cursor = base64.b64encode(urllib.parse.urlencode({"p": oldest}).encode()).decode()
    recent = psql_value(
        env,
        "SELECT to_char(submitted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US') || 'Z' "
        f"FROM orders_order WHERE bank_id = {seed['bank']} AND status <> 'draft' "
        "ORDER BY submitted_at DESC, id DESC OFFSET 49 LIMIT 1",
    )
    since = urllib.parse.quote(recent)
    return [
        ("/api/orders/", "/api/orders/", "partner"),
        ("/api/orders/?cursor= (oldest page)", f"/api/orders/?cursor={cursor}", "partner"),
        ("/api/orders/?page=last", "/api/orders/?page=last", "partner"),
        ("/api/profile/", "/api/profile/", "partner"),
        ("/api/stats/", "/api/stats/", "partner"),
        ("/api/bank/orders/", "/api/bank/orders/", "bank"),
        ("/api/bank/orders/?since= (last 50)", f"/api/bank/orders/?since={since}", "bank"),
        ("/api/bank/orders/?page=last", "/api/bank/orders/?page=last", "bank"),
        # The control: its cost does not depend on the rows, so its growth is the machine's.
        (PLAIN_LABEL, "/bench/plain/", "partner"),
    ]


def single_connection(server, env, seed, args) -> dict[str, float]:
    headers = {
        "partner": f"Authorization: Bearer {seed['access']}",
        "bank": f"Authorization: Bank {seed['bank_token']}",
    }
    paths = growth_paths(env, seed)
    for _, path, who in paths:  # every worker's first requests (imports, connections) are slow
        wrk(server.base + path, seconds=1, connections=args.workers, headers=[headers[who]])
    time.sleep(5)  # let the workers finish what the warm-up left queued
    p50: dict[str, list[float]] = {label: [] for label, _, _ in paths}
    for _ in range(args.repeat):  # the paths in turn, `--repeat` times: the median of each
        for label, path, who in paths:
            run = wrk(
                server.base + path,
                seconds=args.single_seconds,
                connections=1,
                headers=[headers[who]],
            )
            if run is None:
                raise SystemExit(f"{path}: no answer within {args.single_seconds} s")
            if run.errors:
                raise SystemExit(f"{path}: answered other than 2xx")
            p50[label].append(run.p50)
    return {label: median(values) for label, values in p50.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1000, 100000])
    parser.add_argument("--seconds", type=int, default=3, help="each wrk run (default 3)")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs of each endpoint, each after one of the plain view",
    )
    parser.add_argument(
        "--single-seconds", type=int, default=3, help="each growth run (`--repeat` of each path)"
    )
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--database", default=f"bench_http_{os.getpid()}")
    parser.add_argument("--no-throughput", action="store_true", help="only the growth table")
    parser.add_argument(
        "--broker",
        metavar="URL",
        help="a Celery broker for the web workers to publish their tasks to (as in production; "
        "e.g. redis://127.0.0.1:6379/2); without one they run the tasks in threads of their own",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the database (named by --database) at the end"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    env = environment(args)
    psql(env, f'DROP DATABASE IF EXISTS "{args.database}"', quiet=True)
    psql(env, f'CREATE DATABASE "{args.database}"')
    server = None
    try:
        manage(env, "migrate", "--noinput")
        seeded = subprocess.run(
            [PYTHON, "-m", "bench.over_http_seed"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if seeded.returncode != 0:
            raise SystemExit(f"seeding failed:\n{seeded.stderr}")
        seed = json.loads(seeded.stdout.strip().splitlines()[-1])
        seed["first_order"] = 1
        loaded = 0
        growth: dict[int, dict[str, float]] = {}
        for rows in sorted(args.rows):
            load_rows(
                env,
                partner=seed["partner"],
                bank=seed["bank"],
                products=seed["products"],
                start=loaded,
                stop=rows,
            )
            loaded = rows
            server = Server(env, port=args.port, workers=args.workers)
            growth[rows] = single_connection(server, env, seed, args)
            if not args.no_throughput:
                throughput(server, env, seed, args, rows, run=len(growth))
            server.stop()
            server = None
        sizes = sorted(growth)
        print(
            f"\nsingle connection, p50 ms (the median of {args.repeat} runs of "
            f"{args.single_seconds} s each, the paths in turn)"
        )
        print(
            f"{'endpoint':<38}"
            + "".join(f"{size:>12,}" for size in sizes)
            + f"{'growth':>8}{'/ plain':>9}"
        )
        machine = growth[sizes[-1]][PLAIN_LABEL] / growth[sizes[0]][PLAIN_LABEL]
        for label in growth[sizes[0]]:
            values = [growth[size][label] for size in sizes]
            ratio = values[-1] / values[0] if values[0] else float("nan")
            cells = "".join(f"{value:>12.2f}" for value in values)
            print(f"{label:<38}{cells}{ratio:>8.2f}{ratio / machine:>9.2f}")
        print(
            "(`/ plain`: the growth divided by the plain view's, measured in the same turns: "
            "what is left once the machine's own drift between the sizes is taken out)"
        )
    finally:
        if server is not None:
            server.stop()
        drop_queue(env)
        if not args.keep:
            psql(env, f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')


if __name__ == "__main__":
    main()
