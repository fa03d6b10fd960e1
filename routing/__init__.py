"""Rural delivery route optimizer."""
