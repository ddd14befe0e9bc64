from django.core.management.base import BaseCommand, CommandError

from ogmonitor.demo.scale import ScaleSpec, SyntheticDataExists, delete_synthetic_data, generate


class Command(BaseCommand):
    help = (
        "Generate a synthetic, country-sized dataset for scale tests: municipalities and their "
        "communities over the 66 rayons, local organisations, a NAP, survey rounds with respondents "
        "and answers (written by the response import's fast writers), indicators computed for each "
        "round, events, proposals, dialogue platforms, disclosure publications and assessments. "
        "Everything is named 'Sintetik …'/'Synthetic …', has a slug starting 'synthetic-' and is "
        "marked as a demo record. Refuses to run when synthetic data exists, unless --replace; "
        "--delete only removes it. Prints the time of each part and the rows created."
    )

    def add_arguments(self, parser):
        parser.add_argument("--municipalities", type=int, default=1600, help="Municipalities (default 1600).")
        parser.add_argument("--respondents", type=int, default=100_000, help="Respondents per round (default 100000).")
        parser.add_argument("--questions", type=int, default=40, help="Single-choice questions per round (default 40).")
        parser.add_argument("--rounds", type=int, default=2, help="Survey rounds (default 2).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed: the same seed gives the same data.")
        parser.add_argument("--communities-per-municipality", type=int, default=2)
        parser.add_argument("--events-per-municipality", type=int, default=3)
        parser.add_argument("--proposals-per-municipality", type=int, default=2)
        parser.add_argument("--replace", action="store_true", help="Delete the previous synthetic data first.")
        parser.add_argument("--delete", action="store_true", help="Only delete the synthetic data.")

    def handle(self, *args, **options):
        if options["delete"]:
            counts = delete_synthetic_data()
            self.stdout.write(self.style.SUCCESS("Synthetic data deleted."))
            self._counts(counts)
            return
        try:
            spec = ScaleSpec(
                municipalities=options["municipalities"], respondents=options["respondents"],
                questions=options["questions"], rounds=options["rounds"], seed=options["seed"],
                communities_per_municipality=options["communities_per_municipality"],
                events_per_municipality=options["events_per_municipality"],
                proposals_per_municipality=options["proposals_per_municipality"],
            )
        except ValueError as error:
            raise CommandError(str(error)) from error

        def progress(part: str, seconds: float) -> None:
            self.stdout.write(f"  {part:<45} {seconds:8.1f} s")

        self.stdout.write(
            f"Generating {spec.municipalities} municipalities, {spec.rounds} rounds of {spec.respondents} "
            f"respondents × {spec.questions} questions (seed {spec.seed}):"
        )
        try:
            report = generate(spec, replace=options["replace"], progress=progress)
        except SyntheticDataExists as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"  {'total':<45} {report.total_seconds:8.1f} s")
        self.stdout.write(self.style.SUCCESS("Synthetic data generated. Rows:"))
        self._counts(report.counts)

    def _counts(self, counts: dict[str, int]) -> None:
        for label, count in counts.items():
            self.stdout.write(f"  {label:<28} {count:>12,}")
