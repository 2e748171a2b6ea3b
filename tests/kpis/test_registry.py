"""The KPI engine knows no fact app by name (DESIGN, Layout): fact apps register their component
providers and metrics at start-up, and nothing under pacekeeper/kpis imports them."""

import ast
import datetime as dt
from pathlib import Path

import pytest

import pacekeeper
from pacekeeper.kpis import registry, rollups
from pacekeeper.kpis.components import Credits
from pacekeeper.kpis.engine import ORG_SUBJECT, compute
from pacekeeper.kpis.periods import Period
from pacekeeper.kpis.registry import Direction, Metric, Unit, register_component, register_metric
from pacekeeper.tenancy.models import Organization

KPIS = Path(pacekeeper.__file__).parent / "kpis"
# What the engine may build on: everything else under pacekeeper is a fact app or sits on top.
ALLOWED = {"kpis", "tenancy", "lib", "errors"}


def imported_modules(path: Path, package: str) -> set[str]:
    """Every module a file of `package` imports, anywhere in it (lazy imports inside functions
    too), with relative imports resolved, and every "pacekeeper.…" string (importlib, patch)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("pacekeeper."):
            found.add(node.value)
    return found


def package_of(path: Path) -> str:
    return ".".join(path.relative_to(KPIS.parent.parent).parts[:-1])


def forbidden_imports() -> dict[str, set[str]]:
    result = {}
    for path in sorted(KPIS.rglob("*.py")):
        bad = {
            module
            for module in imported_modules(path, package_of(path))
            if module.startswith("pacekeeper.") and module.split(".")[1] not in ALLOWED
        }
        if bad:
            result[str(path.relative_to(KPIS))] = bad
    return result


class TestIndependence:
    def test_it_imports_no_fact_app(self):
        assert forbidden_imports() == {}

    def test_it_would_see_a_fact_app_imported(self, tmp_path):
        # The check itself catches the ways a module of kpis can import another app.
        sample = tmp_path / "sample.py"
        sample.write_text(
            "from pacekeeper.crm.models import Sale\n"
            "from .engine import compute\n"
            "def f():\n    from ..crm import services\n"
            "import pacekeeper.work.models\n"
            "patched = 'pacekeeper.feedback.models.Answer'\n",
            encoding="utf-8",
        )
        found = imported_modules(sample, "pacekeeper.kpis")
        assert found >= {
            "pacekeeper.crm.models",
            "pacekeeper.kpis.engine",
            "pacekeeper.crm.services",
            "pacekeeper.work.models",
            "pacekeeper.feedback.models.Answer",
        }


class TestStartUp:
    def test_it_has_the_crm_register_its_providers_and_metrics(self):
        assert set(registry.PROVIDERS) >= {"additive", "retention", "compliance"}
        apps = {"tasks": "work", "surveys": "feedback", "tickets": "tickets"}  # each fact app registers its own
        for key, provider in registry.PROVIDERS.items():
            app = apps.get(key, "crm")
            assert provider.compute.__module__.startswith(f"pacekeeper.{app}.")
        assert registry.COMPONENT_PROVIDER["sales_minor"] == "additive"
        assert registry.METRICS["sales_amount"].unit == Unit.CURRENCY
        assert list(registry.METRICS)[:2] == ["sales_amount", "gross_margin"]  # lists keep their order

    def test_it_has_work_register_the_task_metrics(self):
        assert registry.COMPONENT_PROVIDER["tasks_done"] == "tasks"
        assert registry.PROVIDERS["tasks"].rollup.__module__ == "pacekeeper.work.kpi_components"
        assert registry.METRICS["task_completion_rate"].unit == Unit.PERCENT
        assert registry.METRICS["on_time_completion_rate"].needs == ("tasks_done_dated", "tasks_done_on_time")


@pytest.fixture
def clean_registry():
    """The registry as the app left it, restored after the test."""
    saved = dict(registry.PROVIDERS), dict(registry.COMPONENT_PROVIDER), dict(registry.METRICS)
    yield
    for live, kept in zip((registry.PROVIDERS, registry.COMPONENT_PROVIDER, registry.METRICS), saved, strict=True):
        live.clear()
        live.update(kept)


def widgets(org, period, split, *, wanted=None, only=None) -> Credits:
    """A fact app's provider: manager 7 made 3 widgets in the period, manager 8 made 2."""
    credits = Credits()
    credits.by_manager[7] = {"widgets": 3}
    credits.by_manager[8] = {"widgets": 2}
    return credits


def widget_metric(key="widgets_made", needs=("widgets",)) -> Metric:
    return Metric(key, "Widgets made", Unit.COUNT, Direction.HIGHER, needs, lambda c: c["widgets"])


@pytest.mark.usefixtures("clean_registry")
class TestRegistration:
    def test_it_computes_a_registered_metric_at_every_level_without_touching_the_engine(self, db):
        org = Organization.objects.create(name="Widgets Ltd")
        register_component("widgets", compute=widgets, components=("widgets",))
        register_metric(widget_metric())
        month = Period.month(2026, 6)
        # No rollup registered: the rollup path falls back to the live computation.
        for source in ("live", "rollup"):
            managers = compute(org=org, metrics=["widgets_made"], level="manager", period=month, source=source)
            assert managers == {7: {"widgets_made": 3}, 8: {"widgets_made": 2}}
            whole = compute(org=org, metrics=["widgets_made"], level="org", period=month, source=source)
            assert whole == {ORG_SUBJECT: {"widgets_made": 5}}

    def test_it_refuses_a_metric_of_unregistered_components(self):
        with pytest.raises(ValueError, match="unknown component"):
            register_metric(widget_metric(needs=("gadgets",)))
        assert "widgets_made" not in registry.METRICS

    def test_it_refuses_a_component_another_provider_gives(self):
        with pytest.raises(ValueError, match="already provided by additive"):
            register_component("mine", compute=widgets, components=("sales_minor",))
        assert registry.COMPONENT_PROVIDER["sales_minor"] == "additive"

    def test_it_replaces_a_provider_registered_again_under_its_key(self):
        register_component("widgets", compute=widgets, components=("widgets", "gadgets"))
        register_component("widgets", compute=widgets, components=("widgets",))
        assert registry.PROVIDERS["widgets"].components == ("widgets",)
        assert "gadgets" not in registry.COMPONENT_PROVIDER
        assert registry.COMPONENT_PROVIDER["widgets"] == "widgets"

    def test_it_keeps_only_shared_rollup_columns_in_the_shared_rollups(self):
        with pytest.raises(ValueError, match="shared rollups"):
            register_component("widgets", compute=widgets, components=("widgets",), cells=lambda *a: {})

    def test_it_rebuilds_the_rollups_a_provider_keeps(self, db):
        org = Organization.objects.create(name="Widgets Ltd")
        rebuilt = []
        register_component(
            "widgets", compute=widgets, components=("widgets",), rebuild=lambda org_id: rebuilt.append(org_id) or 4
        )
        written = rollups.rollups_rebuild(org=org, period=Period(dt.date(2026, 6, 1), dt.date(2026, 6, 30)))
        assert rebuilt == [org.pk]
        assert written == 4  # no facts: only the widget rows
