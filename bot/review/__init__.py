"""The review inbox: questions Loa could not answer well, grouped for an administrator."""
