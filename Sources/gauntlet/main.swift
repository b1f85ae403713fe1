import Gauntlet
print("gauntlet: under construction")
