/* N-body gravity: a heavy star with four planets on near-circular orbits,
 * advanced with a symplectic Euler step. Double-precision arithmetic and
 * sqrt; prints the total energy before and after. */
#include <math.h>
#include <stdio.h>
#include "bench.h"

#define BODIES 5

struct body {
    double x, y, z, vx, vy, vz, mass;
};

static struct body sys[BODIES];

static void setup(void) {
    const double g_star = 39.47841760435743; /* 4 pi^2: AU, years, solar masses */
    sys[0] = (struct body){0, 0, 0, 0, 0, 0, g_star};
    static const double radius[] = {1.3, 3.1, 6.7, 11.9};
    static const double weight[] = {1.0e-3, 2.9e-4, 4.4e-5, 5.2e-5};
    for (int i = 1; i < BODIES; i++) {
        double r = radius[i - 1];
        double angle = 1.7 * i;                     /* spread the planets around */
        double c = 1.0 - angle * angle / 2.0 + angle * angle * angle * angle / 24.0;
        double s = angle - angle * angle * angle / 6.0; /* rough cos/sin: exactness is irrelevant */
        double norm = sqrt(c * c + s * s);
        c /= norm;
        s /= norm;
        double speed = sqrt(g_star / r);
        sys[i] = (struct body){r * c, r * s, 0.02 * i, -speed * s, speed * c, 0.001 * i, g_star * weight[i - 1]};
    }
    /* Give the star the opposite momentum so the system stays put. */
    double px = 0, py = 0, pz = 0;
    for (int i = 1; i < BODIES; i++) {
        px += sys[i].vx * sys[i].mass;
        py += sys[i].vy * sys[i].mass;
        pz += sys[i].vz * sys[i].mass;
    }
    sys[0].vx = -px / g_star;
    sys[0].vy = -py / g_star;
    sys[0].vz = -pz / g_star;
}

static double energy(void) {
    double e = 0;
    for (int i = 0; i < BODIES; i++) {
        struct body *a = &sys[i];
        e += 0.5 * a->mass * (a->vx * a->vx + a->vy * a->vy + a->vz * a->vz);
        for (int j = i + 1; j < BODIES; j++) {
            struct body *b = &sys[j];
            double dx = a->x - b->x, dy = a->y - b->y, dz = a->z - b->z;
            e -= a->mass * b->mass / sqrt(dx * dx + dy * dy + dz * dz);
        }
    }
    return e;
}

static void advance(double dt) {
    for (int i = 0; i < BODIES; i++) {
        struct body *a = &sys[i];
        for (int j = i + 1; j < BODIES; j++) {
            struct body *b = &sys[j];
            double dx = a->x - b->x, dy = a->y - b->y, dz = a->z - b->z;
            double d2 = dx * dx + dy * dy + dz * dz;
            double mag = dt / (d2 * sqrt(d2));
            a->vx -= dx * b->mass * mag;
            a->vy -= dy * b->mass * mag;
            a->vz -= dz * b->mass * mag;
            b->vx += dx * a->mass * mag;
            b->vy += dy * a->mass * mag;
            b->vz += dz * a->mass * mag;
        }
    }
    for (int i = 0; i < BODIES; i++) {
        sys[i].x += dt * sys[i].vx;
        sys[i].y += dt * sys[i].vy;
        sys[i].z += dt * sys[i].vz;
    }
}

int main(int argc, char **argv) {
    long steps = bench_size(argc, argv, 10000000);
    setup();
    double before = energy();
    for (long i = 0; i < steps; i++)
        advance(0.001);
    printf("checksum: %.9f %.9f\n", before, energy());
    return 0;
}
