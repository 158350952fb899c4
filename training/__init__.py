"""Souk training: two-tower model, evaluation, ONNX export and publishing (see README "Training")."""
