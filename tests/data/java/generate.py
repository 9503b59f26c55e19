# Builds the nested/hostile archives of tests/data/java from the real jars copied there.
# Usage: python3 generate.py tests/data/java   (needs /usr/share/java/jcl-over-slf4j.jar from Debian libslf4j-java)
import io, zipfile, sys, os
os.chdir(sys.argv[1])
def read(p): return open(p, "rb").read()
slf4j = read("slf4j-api-1.7.32.jar")
jcl = read("/usr/share/java/jcl-over-slf4j.jar")
shaded = read("maven-slf4j-provider-3.8.7.jar")
manifest = b"Manifest-Version: 1.0\r\nCreated-By: Maven WAR Plugin 3.4.0\r\nBuild-Jdk-Spec: 17\r\n\r\n"
def war(extra_dir=b""):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("META-INF/MANIFEST.MF", manifest)
        z.writestr("WEB-INF/web.xml", "<web-app/>\n")
        z.writestr("WEB-INF/classes/com/example/shop/App.class", b"\xca\xfe\xba\xbe" + b"\0" * 64)
        z.writestr("WEB-INF/lib/slf4j-api-1.7.32.jar", slf4j)
        z.writestr("WEB-INF/lib/jcl-over-slf4j-1.7.32.jar", read("/usr/share/java/jcl-over-slf4j.jar"))
        z.writestr("META-INF/maven/com.example/shop/pom.properties",
                   "#Created by Apache Maven 3.9.6\nartifactId=shop\ngroupId=com.example\nversion=2.4.1\n")
    return b.getvalue()
open("shop-2.4.1.war", "wb").write(war())
# An ear holding the war and a shaded jar: two levels of nesting.
b = io.BytesIO()
with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("META-INF/application.xml", "<application/>\n")
    z.writestr("shop.war", war())
    z.writestr("lib/maven-slf4j-provider-3.8.7.jar", shaded)
open("store.ear", "wb").write(b.getvalue())
# Spring Boot fat jar: nested jars are stored uncompressed under BOOT-INF/lib.
b = io.BytesIO()
with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\r\nMain-Class: org.springframework.boot.loader.JarLauncher\r\n"
               b"Start-Class: com.example.api.Application\r\nSpring-Boot-Version: 3.2.1\r\n"
               b"Implementation-Title: api\r\nImplementation-Version: 0.0.1-SNAPSHOT\r\n\r\n")
    z.writestr("BOOT-INF/classes/com/example/api/Application.class", b"\xca\xfe\xba\xbe")
    z.writestr(zipfile.ZipInfo("BOOT-INF/lib/slf4j-api-1.7.32.jar"), slf4j, zipfile.ZIP_STORED)
    z.writestr(zipfile.ZipInfo("BOOT-INF/lib/aopalliance-1.0.jar"), read("aopalliance-1.0.jar"), zipfile.ZIP_STORED)
    z.writestr("META-INF/maven/com.example/api/pom.properties", "artifactId=api\ngroupId=com.example\nversion=0.0.1-SNAPSHOT\n")
open("api-boot.jar", "wb").write(b.getvalue())
# Zip bomb: a nested "jar" of 48 MiB of zeros, deflated to ~48 KiB.
b = io.BytesIO()
with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    z.writestr("META-INF/maven/com.example/bomb/pom.properties", "groupId=com.example\nartifactId=bomb\nversion=1.0\n")
    z.writestr("WEB-INF/lib/huge.jar", b"\0" * (48 << 20))
open("bomb.war", "wb").write(b.getvalue())
# Zip-slip names: never extracted by us, but reported.
b = io.BytesIO()
with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("META-INF/maven/org.example/evil/pom.properties", "groupId=org.example\nartifactId=evil\nversion=6.6.6\n")
    z.writestr("../evil.sh", "#!/bin/sh\necho pwned\n")
    z.writestr("/etc/cron.d/evil", "* * * * * root /tmp/x\n")
    z.writestr("META-INF/../../../tmp/x", "x")
open("evil-6.6.6.jar", "wb").write(b.getvalue())
# Nested 6 deep: beyond the depth limit.
inner = read("aopalliance-1.0.jar")
for i in range(6):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_STORED) as z:
        z.writestr(f"lib/level{i}.jar", inner)
    inner = b.getvalue()
open("deep.jar", "wb").write(inner)
# A war whose nested "jar" is not a zip at all.
b = io.BytesIO()
with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("META-INF/maven/com.example/broken/pom.properties", "groupId=com.example\nartifactId=broken\nversion=0.1\n")
    z.writestr("WEB-INF/lib/notazip.jar", "this was uploaded as text by mistake\n" * 10)
open("broken-nested.war", "wb").write(b.getvalue())
