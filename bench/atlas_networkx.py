#!/usr/bin/python3
"""The atlas engine's full recompute written with NetworkX (Debian's python3-networkx), for the
side-by-side benchmark: clusters (Louvain on modularity), PageRank, betweenness (exact, or from the
same number of sampled sources as the engine), core numbers, spring layout (Fruchterman-Reingold).

Reads the graph bench/atlas_engine writes with --edges-out (the same members, pairs and weights the
engine analyses). Prints the time of each step and the total; with --budget SECONDS, stops after a
step once the budget is spent and reports the total so far as a lower bound.

  bench/atlas_networkx.py EDGES_FILE [--runs R] [--budget SECONDS]
"""
import argparse
import statistics
import time

import networkx as nx

try:
    import scipy  # noqa: F401  (NetworkX uses it for pagerank and spring_layout when present)
    HAVE_SCIPY = True
except ModuleNotFoundError:
    HAVE_SCIPY = False


def load(path):
    graph = nx.Graph()
    sources = 0
    with open(path) as lines:
        header = lines.readline().split()
        members = int(header[2])
        sources = int(header[4])
        graph.add_nodes_from(range(members))
        for line in lines:
            a, b, w = line.split()
            graph.add_edge(int(a), int(b), weight=float(w))
    return graph, sources


def pagerank(graph):
    # NetworkX 2.8's pagerank needs SciPy (bench/networkx_scipy.sh provides it); without it, its own
    # pure-Python power iteration is the same algorithm.
    try:
        return nx.pagerank(graph, alpha=0.85, weight="weight")
    except ModuleNotFoundError:
        from networkx.algorithms.link_analysis import pagerank_alg
        return pagerank_alg._pagerank_python(graph, alpha=0.85, weight="weight")


def spring_layout(graph):
    # Without SciPy (bench/networkx_scipy.sh provides it) spring_layout's sparse Fruchterman-Reingold
    # is unavailable above 500 members; the dense one needs n*n memory, so it runs up to 2,000
    # members and the step is left out (reported as incomplete) above.
    try:
        return nx.spring_layout(graph, weight="weight", seed=1)
    except ModuleNotFoundError:
        if graph.number_of_nodes() > 2000:
            raise
        import numpy
        from networkx.drawing import layout
        return layout._fruchterman_reingold(nx.to_numpy_array(graph, weight="weight"), seed=numpy.random.RandomState(1))


def pipeline(graph, sources, budget):
    steps = [
        ("louvain", lambda: nx.community.louvain_communities(graph, weight="weight", seed=1)),
        ("pagerank", lambda: pagerank(graph)),
        ("betweenness", lambda: nx.betweenness_centrality(graph, k=sources or None, seed=1)),
        ("core_number", lambda: nx.core_number(graph)),
        ("spring_layout", lambda: spring_layout(graph)),
    ]
    times = {}
    total = 0.0
    cpu_start = time.process_time()
    complete = True
    for name, step in steps:
        if budget and total > budget:
            complete = False
            break
        start = time.perf_counter()
        try:
            step()
        except ModuleNotFoundError:
            complete = False
            continue
        times[name] = time.perf_counter() - start
        total += times[name]
    return total, times, complete, time.process_time() - cpu_start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("edges")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--budget", type=float, default=0.0)
    args = parser.parse_args()
    graph, sources = load(args.edges)
    totals = []
    cpus = []
    for run in range(args.runs):
        total, times, complete, cpu = pipeline(graph, sources, args.budget)
        totals.append(total)
        cpus.append(cpu)
        steps = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in times.items())
        print(f"run {run + 1}: {'' if complete else 'at least '}{total:.2f} s ({steps})", flush=True)
    print(f"RESULT networkx {graph.number_of_nodes()}/{graph.number_of_edges()} "
          f"(betweenness {'exact' if not sources else f'from {sources} sources'}): "
          f"median {'' if complete else 'at least '}{statistics.median(totals):.2f} s "
          f"(CPU {statistics.median(cpus):.2f} s){'' if HAVE_SCIPY else ' without SciPy'}", flush=True)


if __name__ == "__main__":
    main()
