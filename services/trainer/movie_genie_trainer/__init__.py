"""Movie Genie trainer: MovieLens data, recommenders, one evaluation protocol, MLflow tracking."""
