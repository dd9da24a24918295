/*
 * The floor under TokUsage's folder walk: list a tree and statx(2) every file in it, as a run must to know what
 * changed, in C with nothing else. Prints the time of each of five passes, with each file's path built in full
 * (absolute: as TokUsage stats today) or relative to its open folder (dirfd: the kernel resolves one name).
 *   cc -O2 -o walk-floor bench/walk-floor.c && ./walk-floor <folder> [relative: 0|1]
 * Used by bench/statusline.sh.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

static long files;
static int relative;

static void walk(const char *folder)
{
    DIR *dir = opendir(folder);
    if (dir == NULL)
        return;
    struct dirent *entry;
    char path[4096];
    while ((entry = readdir(dir)) != NULL) {
        const char *name = entry->d_name;
        if (name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0)))
            continue;
        snprintf(path, sizeof path, "%s/%s", folder, name);
        if (entry->d_type == DT_DIR) {
            walk(path);
            continue;
        }
        struct statx facts;
        const unsigned mask = STATX_SIZE | STATX_MTIME | STATX_INO | STATX_CTIME;
        if (relative)
            statx(dirfd(dir), name, 0, mask, &facts);
        else
            statx(AT_FDCWD, path, 0, mask, &facts);
        files++;
    }
    closedir(dir);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: walk-floor <folder> [relative: 0|1]\n");
        return 2;
    }
    relative = argc > 2 && atoi(argv[2]) != 0;
    for (int pass = 0; pass < 5; pass++) {
        struct timespec start, end;
        files = 0;
        clock_gettime(CLOCK_MONOTONIC, &start);
        walk(argv[1]);
        clock_gettime(CLOCK_MONOTONIC, &end);
        printf("%s paths: %ld files in %.2f ms\n", relative ? "relative" : "absolute", files,
               (end.tv_sec - start.tv_sec) * 1e3 + (end.tv_nsec - start.tv_nsec) / 1e6);
    }
    return 0;
}
