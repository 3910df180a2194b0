class HierarchicalClustering:  # placeholder
    pass
