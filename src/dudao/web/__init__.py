"""The pages officials work in, served beside the API by ``dudao serve``."""
