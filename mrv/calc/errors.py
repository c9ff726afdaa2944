"""The one error type the calculation core raises for input it cannot use."""


class CalcInputError(ValueError):
    """Input the calculation cannot use. The message is one plain sentence meant for the user."""
