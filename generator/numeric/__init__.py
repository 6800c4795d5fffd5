"""Mathematics shared by the question kinds."""
