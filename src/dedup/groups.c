/* groups.c - copy groups as connected components of verified pairs.
 *
 * Union-find with path halving; the root of each set is kept at its member
 * of smallest rank, so the root is the group's original without a second
 * pass. The result depends only on the set of pairs, never on their order,
 * which is what makes the groups independent of arrival order. */
#include <stdlib.h>

#include "accord.h"
#include "dedup_int.h"

static uint32_t find(uint32_t *parent, uint32_t x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

int dedup_components(const dedup_pair *pairs, size_t n_pairs, size_t n_docs, const uint32_t *rank,
                     uint32_t *group)
{
    if (n_docs == 0) return 0;
    uint32_t *parent = group; /* built in place */
    for (size_t i = 0; i < n_docs; i++)
        parent[i] = (uint32_t)i;
    for (size_t p = 0; p < n_pairs; p++) {
        if (pairs[p].a >= n_docs || pairs[p].b >= n_docs) continue;
        uint32_t x = find(parent, pairs[p].a), y = find(parent, pairs[p].b);
        if (x == y) continue;
        uint32_t rx = rank ? rank[x] : x, ry = rank ? rank[y] : y;
        if (rx < ry || (rx == ry && x < y))
            parent[y] = x;
        else
            parent[x] = y;
    }
    for (size_t i = 0; i < n_docs; i++)
        group[i] = find(parent, (uint32_t)i);
    return 0;
}
