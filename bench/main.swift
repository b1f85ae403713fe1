import Gauntlet
print("gauntlet-bench: under construction")
