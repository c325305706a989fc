"""newsbot: a Scrapy news crawler around a pure, Scrapy-free article extraction core."""

__version__ = "0.1.0"

from .features import dataset_features, pandas_dtypes  # light: datasets loads on call

__all__ = ["__version__", "dataset_features", "pandas_dtypes"]
