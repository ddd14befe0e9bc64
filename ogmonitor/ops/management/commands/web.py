from django.core.management.base import BaseCommand

from ogmonitor.ops.launch import web_argv

from ._exec import print_or_exec


class Command(BaseCommand):
    help = (
        "Serve ogmonitor with gunicorn (WEB_BIND, WEB_WORKERS, WEB_THREADS, WEB_TIMEOUT; see docs/production.md). "
        "Arguments after -- go to gunicorn as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument("--print", action="store_true", dest="only_print",
                            help="Print the gunicorn command line instead of running it.")
        parser.add_argument("gunicorn_args", nargs="*", help="Further gunicorn options (after --).")

    def handle(self, *args, only_print=False, gunicorn_args=(), **options):
        print_or_exec(self, web_argv(list(gunicorn_args)), only_print)
