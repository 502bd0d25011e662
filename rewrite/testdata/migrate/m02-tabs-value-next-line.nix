# Tab indentation; the value sits on the line after `=`.
{ uptix, ... }:
{
	virtualisation.oci-containers.containers.tabbed = {
		image =
			uptix.dockerImage "nginx:1.26";  # want lint old-style
		autoStart = true;
	};
}
