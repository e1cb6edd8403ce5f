"""Copies of avatars and social cards: the sniffing, the allowlisted fetcher, the store and the revalidation."""
