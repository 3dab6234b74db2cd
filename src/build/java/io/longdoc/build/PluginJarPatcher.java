package io.longdoc.build;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Build step (run by exec-maven-plugin with the JDK's source launcher): copies a third-party jar for the plugin zip.
 * <ul>
 *   <li>{@code --strip=PREFIX} drops entries under PREFIX (natives that the zip ships as plain files instead);</li>
 *   <li>{@code --remove-shutdown-hooks} rewrites every {@code Runtime.addShutdownHook(Thread)} call into two POPs.
 *   Elasticsearch 9 denies that call to every plugin whatever its entitlement policy says, and ONNX Runtime's
 *   {@code OrtEnvironment} makes it; longdoc closes its environment itself when the node closes.</li>
 * </ul>
 * The patched jar replaces the original in the zip, so the original classes are never on the plugin's classpath.
 */
public final class PluginJarPatcher {

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: PluginJarPatcher <in.jar> <out.jar> [--strip=PREFIX]... [--remove-shutdown-hooks]");
        }
        Path in = Path.of(args[0]);
        Path out = Path.of(args[1]);
        List<String> stripPrefixes = new ArrayList<>();
        boolean removeShutdownHooks = false;
        for (int i = 2; i < args.length; i++) {
            if (args[i].startsWith("--strip=")) {
                stripPrefixes.add(args[i].substring("--strip=".length()));
            } else if (args[i].equals("--remove-shutdown-hooks")) {
                removeShutdownHooks = true;
            } else {
                throw new IllegalArgumentException("unknown option [" + args[i] + "]");
            }
        }
        Files.createDirectories(out.getParent());
        int rewrittenCalls = 0;
        int stripped = 0;
        try (ZipFile zip = new ZipFile(in.toFile()); OutputStream os = Files.newOutputStream(out); ZipOutputStream zos = new ZipOutputStream(os)) {
            for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
                String name = entry.getName();
                if (stripPrefixes.stream().anyMatch(name::startsWith)) {
                    stripped++;
                    continue;
                }
                byte[] bytes;
                try (InputStream is = zip.getInputStream(entry)) {
                    bytes = is.readAllBytes();
                }
                if (removeShutdownHooks && name.endsWith(".class")) {
                    ShutdownHookRemover remover = rewrite(bytes);
                    if (remover.rewrittenCalls > 0) {
                        bytes = remover.bytes;
                        rewrittenCalls += remover.rewrittenCalls;
                        System.out.println("PluginJarPatcher: removed " + remover.rewrittenCalls + " addShutdownHook call(s) in " + name);
                    }
                }
                zos.putNextEntry(new ZipEntry(name));
                zos.write(bytes);
                zos.closeEntry();
            }
        }
        if (removeShutdownHooks && rewrittenCalls == 0) {
            // The jar changed under us: fail the build instead of shipping a plugin that cannot start.
            throw new IllegalStateException("no Runtime.addShutdownHook call found in [" + in + "]; check the ONNX Runtime version");
        }
        System.out.println("PluginJarPatcher: wrote " + out + " (" + stripped + " entries stripped)");
    }

    private static ShutdownHookRemover rewrite(byte[] classBytes) {
        ClassReader reader = new ClassReader(classBytes);
        ClassWriter writer = new ClassWriter(reader, 0);
        ShutdownHookRemover remover = new ShutdownHookRemover(writer);
        reader.accept(remover, 0);
        remover.bytes = writer.toByteArray();
        return remover;
    }

    /** Replaces {@code INVOKEVIRTUAL java/lang/Runtime.addShutdownHook(Thread)V} by popping its two operands. */
    private static final class ShutdownHookRemover extends ClassVisitor {
        int rewrittenCalls;
        byte[] bytes;

        ShutdownHookRemover(ClassVisitor next) {
            super(Opcodes.ASM9, next);
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
            MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
            return new MethodVisitor(Opcodes.ASM9, mv) {
                @Override
                public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean isInterface) {
                    if (opcode == Opcodes.INVOKEVIRTUAL
                        && owner.equals("java/lang/Runtime")
                        && method.equals("addShutdownHook")
                        && desc.equals("(Ljava/lang/Thread;)V")) {
                        super.visitInsn(Opcodes.POP); // the Thread
                        super.visitInsn(Opcodes.POP); // the Runtime
                        rewrittenCalls++;
                    } else {
                        super.visitMethodInsn(opcode, owner, method, desc, isInterface);
                    }
                }
            };
        }
    }
}
