from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "pacekeeper.bench"
    verbose_name = "Benchmarks"
