"""gunicorn settings for production: `gunicorn -c newsdesk/gunicorn.conf.py newsdesk.wsgi`."""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
# Views are short and mostly wait on PostgreSQL: two workers per core, plus threads so a
# slow export stream does not hold a whole worker.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
worker_class = "gthread"
timeout = 120  # long exports stream; a worker silent this long is stuck
graceful_timeout = 30
max_requests = 2000  # recycle workers now and then to bound slow leaks
max_requests_jitter = 200
accesslog = None  # the app logs one JSON line per request (newsdesk.middleware)
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
