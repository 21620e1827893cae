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


def pipeline(graph, sources, budget):
    steps = [
        ("louvain", lambda: nx.community.louvain_communities(graph, weight="weight", seed=1)),
        ("pagerank", lambda: nx.pagerank(graph, alpha=0.85, weight="weight")),
        ("betweenness", lambda: nx.betweenness_centrality(graph, k=sources or None, seed=1)),
        ("core_number", lambda: nx.core_number(graph)),
        ("spring_layout", lambda: nx.spring_layout(graph, weight="weight", seed=1)),
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
        step()
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
          f"(CPU {statistics.median(cpus):.2f} s)", flush=True)


if __name__ == "__main__":
    main()
