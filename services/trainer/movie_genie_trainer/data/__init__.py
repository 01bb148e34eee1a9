"""MovieLens sources (recbole wheel, GroupLens folders/zips, URL) and preprocessing."""
