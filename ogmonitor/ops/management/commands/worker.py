from django.core.management.base import BaseCommand

from ogmonitor.ops.launch import worker_argv

from ._exec import print_or_exec


class Command(BaseCommand):
    help = (
        "Run a Celery worker for ogmonitor's background jobs (needs REDIS_URL; WORKER_CONCURRENCY, "
        "WORKER_QUEUES; see docs/production.md). Arguments after -- go to `celery worker` as they are."
    )
    # The worker runs Django's system checks itself as it starts.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--print", action="store_true", dest="only_print",
                            help="Print the celery command line instead of running it.")
        parser.add_argument("celery_args", nargs="*", help="Further `celery worker` options (after --).")

    def handle(self, *args, only_print=False, celery_args=(), **options):
        print_or_exec(self, worker_argv(list(celery_args)), only_print)
