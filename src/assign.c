/* assign.c: exact capacity-constrained assignment by min-cost flow (see assign.h). */
#include "assign.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct edge { size_t to, rev; long cap; double cost; } edge;

typedef struct graph {
    edge *e; size_t ne, cape;
    size_t *head_start, *order;   /* CSR after build */
    size_t nv;
} graph;

typedef struct arc { size_t from; edge e; } arc;

/* A binary heap of (distance, vertex) for Dijkstra. */
typedef struct hitem { double d; size_t v; } hitem;

static void heap_push(hitem *h, size_t *n, hitem x)
{
    size_t i = (*n)++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (h[p].d <= x.d) break;
        h[i] = h[p];
        i = p;
    }
    h[i] = x;
}

static hitem heap_pop(hitem *h, size_t *n)
{
    hitem top = h[0], x = h[--*n];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        double md = x.d;
        if (l < *n && h[l].d < md) { m = l; md = h[l].d; }
        if (r < *n && h[r].d < md) m = r;
        if (m == i) break;
        h[i] = h[m];
        i = m;
    }
    if (*n) h[i] = x;
    return top;
}

int cm_assign(const cm_assign_pair *pairs, size_t npairs, size_t nprofiles, size_t npartners,
              size_t k, size_t capacity, unsigned char *chosen)
{
    /* Vertices: 0 source, 1..P profiles, P+1..P+Q partners, P+Q+1 sink. */
    size_t P = nprofiles, Q = npartners, S = 0, T = P + Q + 1, V = P + Q + 2;
    size_t na = P + npairs + Q;     /* forward arcs */
    int rc = -1;
    arc *arcs = malloc((na ? na : 1) * sizeof *arcs);
    size_t *deg = calloc(V + 1, sizeof *deg);
    edge *e = malloc(2 * (na ? na : 1) * sizeof *e);
    size_t *pos = NULL, *pairedge = malloc((npairs ? npairs : 1) * sizeof *pairedge);
    double *pot = calloc(V, sizeof *pot), *dist = malloc(V * sizeof *dist);
    size_t *prev = malloc(V * sizeof *prev);
    hitem *heap = NULL;
    if (!arcs || !deg || !e || !pairedge || !pot || !dist || !prev) goto out;
    memset(chosen, 0, npairs);
    size_t n = 0;
    for (size_t i = 0; i < P; i++) arcs[n++] = (arc){ S, { 1 + i, 0, (long)k, 0 } };
    for (size_t i = 0; i < npairs; i++)
        arcs[n++] = (arc){ 1 + pairs[i].profile, { 1 + P + pairs[i].partner, 0, 1, -pairs[i].score } };
    for (size_t j = 0; j < Q; j++) arcs[n++] = (arc){ 1 + P + j, { T, 0, (long)capacity, 0 } };
    /* CSR layout: each arc and its reverse sit in their tail's block. */
    for (size_t i = 0; i < na; i++) { deg[arcs[i].from + 1]++; deg[arcs[i].e.to + 1]++; }
    for (size_t v = 0; v < V; v++) deg[v + 1] += deg[v];
    if (!(pos = malloc(V * sizeof *pos))) goto out;
    memcpy(pos, deg, V * sizeof *pos);
    for (size_t i = 0; i < na; i++) {
        size_t u = arcs[i].from, w = arcs[i].e.to;
        size_t a = pos[u]++, b = pos[w]++;
        e[a] = (edge){ w, b, arcs[i].e.cap, arcs[i].e.cost };
        e[b] = (edge){ u, a, 0, -arcs[i].e.cost };
        if (i >= P && i < P + npairs) pairedge[i - P] = a;
    }
    /* Initial potentials: the graph is a DAG layered source, profiles, partners, sink, so
     * shortest distances with negative costs follow the layers. */
    for (size_t v = 0; v < V; v++) pot[v] = 0;
    for (size_t i = 0; i < npairs; i++) {
        size_t w = 1 + P + pairs[i].partner;
        if (-pairs[i].score < pot[w]) pot[w] = -pairs[i].score;
    }
    for (size_t j = 0; j < Q; j++)
        if (pot[1 + P + j] < pot[T]) pot[T] = pot[1 + P + j];
    if (!(heap = malloc((2 * na + V) * sizeof *heap))) goto out;
    for (;;) {
        for (size_t v = 0; v < V; v++) dist[v] = INFINITY;
        dist[S] = 0;
        size_t hn = 0;
        heap_push(heap, &hn, (hitem){ 0, S });
        while (hn) {
            hitem it = heap_pop(heap, &hn);
            if (it.d > dist[it.v]) continue;
            for (size_t a = deg[it.v]; a < deg[it.v + 1]; a++) {
                if (e[a].cap <= 0) continue;
                double nd = it.d + e[a].cost + pot[it.v] - pot[e[a].to];
                if (nd < dist[e[a].to] - 1e-12) {
                    dist[e[a].to] = nd;
                    prev[e[a].to] = a;
                    heap_push(heap, &hn, (hitem){ nd, e[a].to });
                }
            }
        }
        if (dist[T] == INFINITY) break;
        for (size_t v = 0; v < V; v++)
            if (dist[v] < INFINITY) pot[v] += dist[v];
        /* The true cost of this path; stop once another unit would not add score. */
        if (pot[T] - pot[S] >= -1e-12) break;
        for (size_t v = T; v != S;) {
            size_t a = prev[v];
            e[a].cap -= 1;
            e[e[a].rev].cap += 1;
            v = e[e[a].rev].to;
        }
    }
    for (size_t i = 0; i < npairs; i++) chosen[i] = e[pairedge[i]].cap == 0;
    rc = 0;
out:
    free(arcs); free(deg); free(e); free(pos); free(pairedge); free(pot); free(dist); free(prev); free(heap);
    return rc;
}
