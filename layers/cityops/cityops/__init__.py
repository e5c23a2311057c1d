"""CityOps: the shared layer. The domain, its services and stores live here."""

__version__ = "0.1.0"
