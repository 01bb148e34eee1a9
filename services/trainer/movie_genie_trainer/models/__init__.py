"""Recommenders sharing RecBole's interface: ``calculate_loss(batch)`` for training and
``full_sort_predict(batch)`` → scores [B, N+1] over the whole catalogue (column 0 is padding).
``forward(history)`` is ``full_sort_predict`` on a bare history tensor, for model serving."""
