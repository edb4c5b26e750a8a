"""The services that move data: fetch from Coachview, export to Exact, poll payments, write status back."""
