from .navigation import main_places


def actor(request):
    return {"actor": getattr(request, "actor", None)}


def navigation(request):
    """The role's places for the top bar and the phone's tab bar (see tenancy.navigation)."""
    actor = getattr(request, "actor", None)
    if actor is None:
        return {}
    return {"nav": main_places(actor, request.path)}
