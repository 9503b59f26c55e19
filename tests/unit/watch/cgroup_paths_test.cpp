// cgroup v2 ids to paths by walking a (here: fake) v2 tree; the mount found in a mounts file; container ids of
// live processes from their cgroup id alone, after the process is gone.
#include "watch/cgroup_paths.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "test_support.hpp"
#include "watch/process_tree.hpp"

namespace vigil::watch {
namespace {

const std::string kId = "4f2a9c0d1e3b5a7c9e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f";

uint64_t inode(const std::filesystem::path& p) {
  struct stat st{};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_ino;
}

TEST(CgroupPaths, IdsArePathsUnderTheV2Root) {
  test::TempDir root;
  std::filesystem::create_directories(root.path() / "system.slice/docker-" += kId + ".scope");
  CgroupPaths paths(root.path().string());
  EXPECT_EQ(paths.path_of(inode(root.path())), "/");
  EXPECT_EQ(paths.path_of(inode(root.path() / "system.slice")), "/system.slice");
  EXPECT_EQ(paths.path_of(inode(root.path() / ("system.slice/docker-" + kId + ".scope"))),
            "/system.slice/docker-" + kId + ".scope");
  std::filesystem::create_directories(root.path() / "made-later");  // found by a fresh walk
  EXPECT_EQ(paths.path_of(inode(root.path() / "made-later")), "/made-later");
  EXPECT_EQ(paths.path_of(1), std::nullopt);
}

TEST(CgroupPaths, FindsTheV2MountInAMountsFile) {
  test::TempDir dir;
  const auto mounts = dir.write("mounts",
                                "sysfs /sys sysfs rw 0 0\n"
                                "cgroup /sys/fs/cgroup/memory cgroup rw,memory 0 0\n"
                                "cgroup2 /sys/fs/cgroup/unified cgroup2 rw,nsdelegate 0 0\n");
  EXPECT_EQ(CgroupPaths::find_v2_root(mounts.string()), "/sys/fs/cgroup/unified");
  EXPECT_EQ(CgroupPaths::find_v2_root(dir.write("none", "proc /proc proc rw 0 0\n").string()), "");
  EXPECT_EQ(CgroupPaths::find_v2_root((dir.path() / "absent").string()), "");
}

TEST(CgroupPaths, ShortLivedContainerProcessesGetTheirContainerId) {
  test::TempDir root;
  const auto scope = root.path() / ("system.slice/docker-" + kId + ".scope");
  std::filesystem::create_directories(scope);
  test::TempDir proc;  // holds nothing: the process exited before its event was read
  ProcessTreeOptions options;
  options.live_proc_root = proc.path().string();
  options.cgroup_root = root.path().string();
  ProcessTree tree(options);
  model::Event exec;
  exec.type = model::EventType::Exec;
  exec.time_ns = 1;
  exec.pid = 700;
  exec.tid = 700;
  exec.filename = "/usr/bin/dpkg";
  exec.cgroup_id = inode(scope);
  tree.apply(exec);
  EXPECT_EQ(tree.find(700)->container_id, kId);
  EXPECT_EQ(tree.find(700)->cgroup_path, "/system.slice/docker-" + kId + ".scope");
  exec.pid = 701;
  exec.tid = 701;
  exec.cgroup_id = 424242;  // not a cgroup (yet): unknown, and asked again next time rather than cached
  tree.apply(exec);
  EXPECT_EQ(tree.find(701)->container_id, "");
}

}  // namespace
}  // namespace vigil::watch
