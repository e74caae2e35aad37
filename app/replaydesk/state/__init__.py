"""Qt-free, observable screen state that widgets subscribe to.

Widgets never own decisions: they render these objects and call their
methods. Tests drive the state directly, without a window.
"""
