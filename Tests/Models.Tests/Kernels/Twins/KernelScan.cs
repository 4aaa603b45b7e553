using System.Reflection;
using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Models.Tests.Kernels.Twins;

/// <summary>The rule for what counts as a fast kernel: a type of <c>Models/Kernels</c> whose own code (lambdas and nested
/// types included) runs vector instructions — <c>System.Runtime.Intrinsics</c>, <c>System.Numerics.Vector</c> or
/// <c>TensorPrimitives</c> — or shares work between threads — <see cref="KernelLoop"/>, <see cref="Elementwise"/>, the
/// GEMM's team and barrier, <c>Parallel</c> or threads of its own. Each such type needs a line in <see cref="KernelTwins"/>.</summary>
public static class KernelScan
{
    /// <summary>The namespace the kernels live in (the folder Models/Kernels).</summary>
    public static readonly string Namespace = typeof(Gemm).Namespace!;

    /// <summary>Every fast kernel of the Models assembly, with what made it one.</summary>
    public static IReadOnlyDictionary<Type, string> FastKernels { get; } =
        typeof(Gemm).Assembly.GetTypes()
            .Where(t => t.Namespace == Namespace && !t.IsNested && !t.IsEnum && !t.IsInterface && !t.Name.StartsWith('<'))
            .Select(t => (Type: t, Why: Why(t)))
            .Where(k => k.Why is not null)
            .ToDictionary(k => k.Type, k => k.Why!);

    /// <summary>Why <paramref name="type"/> is a fast kernel (the first vector or thread type its code uses), or null when it is not one.</summary>
    public static string? Why(Type type)
    {
        foreach (var used in IlReferences.TypesUsedBy(type))
        {
            if (IsVector(used)) return $"vectors: {Name(used)}";
            if (IsThreads(used) && used != type) return $"threads: {Name(used)}";
        }
        return null;
    }

    private static bool IsVector(Type t) =>
        t.Namespace is { } ns && (ns.StartsWith("System.Runtime.Intrinsics", StringComparison.Ordinal)
            || ns == "System.Numerics" && t.Name.StartsWith("Vector", StringComparison.Ordinal)
            || ns == "System.Numerics.Tensors" && t.Name == "TensorPrimitives");

    private static bool IsThreads(Type t) =>
        t == typeof(KernelLoop) || t == typeof(Elementwise) || t == typeof(GemmTeam) || t == typeof(GemmBarrier)
        || t == typeof(Parallel) || t == typeof(Thread);

    private static string Name(Type t) => t.IsGenericType ? t.Name[..t.Name.IndexOf('`')] : t.Name;
}
