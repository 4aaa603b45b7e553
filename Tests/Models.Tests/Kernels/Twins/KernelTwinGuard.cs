using System.Reflection;

namespace NeuralPipelines.Models.Tests.Kernels.Twins;

/// <summary>What is wrong with a registry of kernel twins against the fast kernels found: each problem one line naming the type.</summary>
public static class KernelTwinGuard
{
    public static IReadOnlyList<string> Problems(IReadOnlyDictionary<Type, string> found, IReadOnlyCollection<KernelTwin> lines)
    {
        var problems = new List<string>();
        var listed = lines.GroupBy(l => l.Kernel).ToDictionary(g => g.Key, g => g.ToArray());
        foreach (var (type, why) in found.OrderBy(f => f.Key.Name))
            if (!listed.ContainsKey(type))
                problems.Add($"{type.Name} is a fast kernel ({why}) without a line in KernelTwins: give it a plain twin, a twin test and a sweep.");
        foreach (var (type, same) in listed)
        {
            if (same.Length > 1) problems.Add($"{type.Name} has {same.Length} lines in KernelTwins.");
            if (!found.ContainsKey(type)) problems.Add($"{type.Name} has a line in KernelTwins but is no fast kernel of {KernelScan.Namespace}.");
        }
        foreach (var line in lines) problems.AddRange(Check(line, listed));
        return problems;
    }

    private static IEnumerable<string> Check(KernelTwin line, IReadOnlyDictionary<Type, KernelTwin[]> listed)
    {
        string name = line.Name;
        if (line.Tests.Length == 0) yield return $"{name} names no test class.";
        foreach (var test in line.Tests.Where(t => !HoldsTests(t)))
            yield return $"{name}: {test.Name} holds no [Fact] or [Theory].";
        if (line.Twin is { } twin)
        {
            if (line.Sweep is null) yield return $"{name} has a twin but no sweep.";
            foreach (var test in line.Tests.Where(t => !Uses(t, line.Kernel) || !UsesTwin(t, twin, line.Kernel)))
                yield return $"{name}: {test.Name} does not compare it with its twin {twin.Name} (its code calls {(Uses(test, line.Kernel) ? "" : $"no {name}")}{(Uses(test, line.Kernel) ? $"no {Described(twin, line.Kernel)}" : "")}).";
        }
        else if (line.Owner is { } owner)
        {
            if (!listed.TryGetValue(owner, out var o) || o[0].Sweep is null)
                yield return $"{name} is listed as part of {owner.Name}, which has no sweep of its own.";
            foreach (var test in line.Tests.Where(t => !Uses(t, line.Kernel) && !Uses(t, owner)))
                yield return $"{name}: {test.Name} uses neither it nor {owner.Name}.";
        }
        else if (string.IsNullOrWhiteSpace(line.Note))
            yield return $"{name} has neither a twin, an owner nor a reason.";
    }

    private static bool HoldsTests(Type test) =>
        test.GetMethods().Any(m => m.GetCustomAttributes<FactAttribute>().Any());

    private static bool Uses(Type test, Type type) => IlReferences.TypesUsedBy(test).Contains(type);

    /// <summary>A twin that is the kernel itself means its methods named …Reference. A test may reach the twin through a
    /// helper of its own assembly (e.g. <c>ConvolutionProblem</c>, which computes the definitions): one level is followed.</summary>
    private static bool UsesTwin(Type test, Type twin, Type kernel) => twin != kernel
        ? Uses(test, twin) || IlReferences.TypesUsedBy(test).Any(h => h != test && h.Assembly == test.Assembly && Uses(h, twin))
        : IlReferences.Of(test).Any(m => m.DeclaringType == kernel && m.Name.EndsWith("Reference", StringComparison.Ordinal));

    private static string Described(Type twin, Type kernel) => twin == kernel ? $"{kernel.Name}.…Reference" : twin.Name;
}
