"""Development tooling shared by the tests and the scripts of this checkout (``tests/``,
``scripts/bench``): nothing here is part of the application, and no module of the app imports
this package. It needs only the standard library and runs from a source checkout (paths are
relative to it).
"""
