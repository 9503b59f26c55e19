/* Syscall-heavy loops for the sensor overhead benchmark (bench/watch/run.sh):
 *   loops getpid N      N getpid() calls (not traced: the cost of the tracepoint machinery alone)
 *   loops openclose N   N open()+close() of /etc/hostname (every open is an event for the rules)
 *   loops forkexec N    N fork()+execve(/bin/true)+wait (process tree and exec events)
 *   loops redirect N    N dup2(fd, 2): a cheap traced call that is an event every time (ring-buffer rate)
 *   loops secrets N     N fork()+open(/etc/shadow) children, each a distinct detection (latency) */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: loops getpid|openclose|forkexec|redirect|secrets N\n");
    return 2;
  }
  const long n = atol(argv[2]);
  if (strcmp(argv[1], "getpid") == 0) {
    for (long i = 0; i < n; i++) syscall(SYS_getpid);
  } else if (strcmp(argv[1], "openclose") == 0) {
    for (long i = 0; i < n; i++) close(open("/etc/hostname", O_RDONLY));
  } else if (strcmp(argv[1], "forkexec") == 0) {
    for (long i = 0; i < n; i++) {
      pid_t pid = fork();
      if (pid == 0) {
        execl("/bin/true", "true", (char *)0);
        _exit(127);
      }
      waitpid(pid, 0, 0);
    }
  } else if (strcmp(argv[1], "redirect") == 0) {
    int fd = open("/dev/null", O_WRONLY);
    for (long i = 0; i < n; i++) dup2(fd, 2);
  } else if (strcmp(argv[1], "secrets") == 0) {
    for (long i = 0; i < n; i++) {
      pid_t pid = fork();
      if (pid == 0) {
        close(open("/etc/shadow", O_RDONLY));
        _exit(0);
      }
      waitpid(pid, 0, 0);
      usleep(5000);
    }
  } else {
    fprintf(stderr, "unknown loop %s\n", argv[1]);
    return 2;
  }
  return 0;
}
